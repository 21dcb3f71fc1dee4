// Perennial: placeholder until its issue lands.
enum PerennialModule {}
