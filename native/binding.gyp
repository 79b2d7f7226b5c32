{
  "targets": [
    {
      "target_name": "maglev_native",
      "sources": ["maglev_native.c", "stats_fd.c", "probe_engine.c", "probe_head.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"]
    }
  ]
}
