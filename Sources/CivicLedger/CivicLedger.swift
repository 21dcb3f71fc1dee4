// CivicLedger: placeholder until its issue lands.
enum CivicLedgerModule {}
