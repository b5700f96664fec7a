"""Caps for a shared public demo, enforced in the core (URL parameters can say anything).

The cap that matters is on cost: `MAX_REQUEST_SECONDS` of this server's compute per request, as
estimated by `initviz.cost`. The sizes below are sanity caps and memory bounds, generous
wherever a request's cost is small.
"""

MAX_REQUEST_SECONDS = 3.0         # estimated compute of one request (initviz.cost)
MAX_EXPERIMENT_SECONDS = 30.0     # of one experiment a page runs on a button press, with a
                                  # progress bar and cached (initviz.trainability)

MAX_ELEMENTS = 4_000_000          # elements in one sampled weight tensor
MAX_DIM = 100_000                 # any single dimension of a shape
MAX_NDIM = 5                      # dense (2-D) up to 3-D conv kernels
MAX_SPECS = 12                    # initializers compared at once
MAX_SPEC_LENGTH = 200             # characters in one initializer spec
MAX_SEED = 2**32 - 1

# Propagation
MAX_DEPTH = 200
MAX_WIDTH = 1024
MAX_PROPAGATION_SAMPLES = 2_000
MAX_PROPAGATION_MEMORY = 40_000_000  # depth * width * (samples + width): floats one net keeps
MAX_HISTOGRAM_LAYERS = 12

# Jacobian spectra
MAX_JACOBIAN_INPUTS = 16
MAX_JACOBIAN_DEPTHS = 12           # depths at which a spectrum is summarized
MAX_JACOBIAN_MEMORY = 4_000_000    # inputs * width * width: floats of one net's Jacobians

# Training
MAX_TRAIN_SAMPLES = 5_000
MAX_HIDDEN_LAYERS = 100
MAX_HIDDEN_WIDTH = 256
MAX_RUNS = 60                      # initializers * seeds
MAX_EPOCHS = 2_000
MAX_TRAIN_STEPS = 100_000          # optimizer steps: epochs * minibatches per epoch
MAX_TRAIN_ACTIVATIONS = 12_000_000  # runs * rows in one pass * (sum of layer widths)
MAX_TRAIN_PARAMETERS = 5_000_000    # runs * weights and biases of one net

# Your own data (rows: MAX_TRAIN_SAMPLES)
MAX_UPLOAD_BYTES = 1024 * 1024     # as .streamlit/config.toml's maxUploadSize = 1 (MB)
MAX_FEATURES = 100                 # feature columns of a user's data
MAX_CLASSES = 20                   # classes of a user's target
