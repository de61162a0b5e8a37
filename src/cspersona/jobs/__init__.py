"""Long operations run as jobs: a table of jobs, kinds registered by stages, and runners."""
