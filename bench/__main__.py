"""`python -m bench --size M`."""

import sys

from bench.run import main

sys.exit(main())
