"""The scriptable face: argparse entry point and one module per command group."""
