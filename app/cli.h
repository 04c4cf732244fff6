#pragma once
namespace dmftlab { int runCli(int argc, char **argv); }
