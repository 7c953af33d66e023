"""The formats claims leave the workbench in, one module per format."""
