// Capacity and cost planning.
