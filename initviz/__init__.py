"""initviz: see and compare neural-network weight initialization (numpy core)."""

from .biases import BIAS_RULES, initial_bias
from .chaos import correlation_map, critical_weight_variance, depth_scales, phase_diagram
from .datasets import DATASETS, Dataset, load_dataset
from .errors import InputError
from .fans import fans
from .gains import gain
from .initializers import FLAVORS, list_initializers, resolve, sample, theory
from .jacobian import jacobian_report, jacobian_spectrum
from .propagation import propagate
from .results import TrainResult
from .trainable import trainability
from .training import train

__all__ = [
    "FLAVORS", "InputError", "fans", "gain", "list_initializers", "resolve", "sample", "theory",
    "DATASETS", "Dataset", "TrainResult", "load_dataset", "train", "propagate",
    "BIAS_RULES", "initial_bias", "jacobian_report", "jacobian_spectrum",
    "correlation_map", "critical_weight_variance", "depth_scales", "phase_diagram", "trainability",
]
