// How each event kind's generic fields are named in the JSON trace: the writer and the
// reader both use the one vocabulary table, so the two can never disagree.
#pragma once
#include "common/event_schema.hpp"
