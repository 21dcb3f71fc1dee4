// Deliberation: placeholder until its issue lands.
enum DeliberationModule {}
