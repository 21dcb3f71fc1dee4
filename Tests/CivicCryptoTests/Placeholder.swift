// Placeholder until the CivicCrypto test suite lands from its branch.
