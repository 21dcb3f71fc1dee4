// BallotCore: placeholder until its issue lands.
enum BallotCoreModule {}
