// pinned: one worker per CPU; a few thousand calls each, from every CPU into one server.
#include "../common/worker.h"

int main() { return run_worker(2000); }
