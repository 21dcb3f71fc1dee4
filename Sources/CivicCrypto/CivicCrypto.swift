enum CivicCryptoModule {}
