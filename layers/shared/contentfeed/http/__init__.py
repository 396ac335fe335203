"""HTTP concerns shared by the functions: problem+json, request guards, public URLs."""
