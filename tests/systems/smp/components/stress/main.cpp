// stress: a worker that makes 100,000 calls into the tally server.
#include "../common/worker.h"

int main() { return run_worker(100000); }
