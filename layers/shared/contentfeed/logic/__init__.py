"""Business logic: what each route does, independent of HTTP and of Lambda."""
