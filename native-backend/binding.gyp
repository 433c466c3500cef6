{
  "targets": [
    {
      "target_name": "portable_mmap",
      "sources": [
        "src/addon.c",
        "src/napi_args.c",
        "src/handle.c",
        "src/methods_map.c",
        "src/methods_io.c",
        "src/flush_async.c",
        "src/views.c",
        "src/search.c",
        "src/errors.c",
        "src/sigbus.c"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "configurations": {
        "Release": { "cflags!": ["-O3"], "xcode_settings": { "GCC_OPTIMIZATION_LEVEL": "2" } }
      },
      "conditions": [
        ["OS=='win'", {
          "sources": ["src/map_win32.c", "src/open_win32.c", "src/advise_win32.c", "src/errors_win32.c"],
          "msvs_settings": {
            "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11", "/experimental:c11atomics"] }
          }
        }, {
          "sources": ["src/map_posix.c", "src/shm_posix.c", "src/filesystem_posix.c", "src/mapping_budget_posix.c"],
          "cflags": ["-std=c11", "-O2", "-Wall", "-Wextra", "-fvisibility=hidden"],
          "xcode_settings": {
            "OTHER_CFLAGS": ["-std=c11", "-O2", "-Wall", "-Wextra", "-fvisibility=hidden"]
          }
        }],
        ["OS=='linux'", {
          "libraries": ["-lrt"]
        }]
      ]
    }
  ]
}
