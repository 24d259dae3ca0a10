"""Events API listeners, one module per event family."""
