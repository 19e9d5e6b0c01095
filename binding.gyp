{
  "targets": [
    {
      "target_name": "rtnl_shim",
      "sources": ["native/rtnl_shim.c"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra"]
    }
  ]
}
