#include "cli.h"
namespace dmftlab { int runCli(int, char **) { return 0; } }
