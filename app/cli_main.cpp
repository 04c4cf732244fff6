#include "cli.h"
int main(int argc, char **argv)
{
    return dmftlab::runCli(argc, argv);
}
