// Quality inspection.
