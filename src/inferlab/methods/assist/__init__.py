"""ASSIST: interactive scene nodes for scalable and realistic indoor simulation (Li et al., arXiv 2311.06211)."""
