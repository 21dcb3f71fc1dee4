// CivicLog: placeholder until its issue lands.
enum CivicLogModule {}
