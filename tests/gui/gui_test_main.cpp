// Catch2 main for the GUI draw-model tests (kept apart so test files compile fast).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
