// The contact center domain: configuration, number plan, trunks, IVR flows, calls, CDRs.
