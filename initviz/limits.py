"""Size caps for a shared public demo, enforced in the core (URL parameters can say anything)."""

MAX_ELEMENTS = 4_000_000          # elements in one sampled weight tensor
MAX_DIM = 100_000                 # any single dimension of a shape
MAX_NDIM = 5                      # dense (2-D) up to 3-D conv kernels
MAX_SPECS = 12                    # initializers compared at once
MAX_SPEC_LENGTH = 200             # characters in one initializer spec
MAX_SEED = 2**32 - 1
