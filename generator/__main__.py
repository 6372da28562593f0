"""`python -m generator` runs the command line, as the `carejourneys` script does."""

import sys

from generator.cli import main

sys.exit(main())
