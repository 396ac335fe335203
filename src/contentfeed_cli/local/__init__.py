"""The local development server and what it needs: the template's routes, moto, sample data."""
