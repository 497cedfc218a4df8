"""Facts code is sure of: quantities (numbers with units), their names and indicator keys."""
