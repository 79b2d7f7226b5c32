/* The stats-segment file descriptor calls (stats_fd.c), registered on the addon's exports. */
#ifndef MAGLEV_STATS_FD_H
#define MAGLEV_STATS_FD_H

#include <node_api.h>

napi_status stats_fd_register(napi_env env, napi_value exports);

#endif
