"""One module per resource; ``urls.py`` registers the viewsets."""
