"""File imports: a mapping file turns any CSV export into feed records for the normal pipeline."""
