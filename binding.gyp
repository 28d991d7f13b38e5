{
  "targets": [
    {
      "target_name": "stepsearch",
      "sources": ["<!@(node -e \"process.stdout.write(require('fs').readFileSync('native/sources.txt','utf8').split('\\n').filter(l=>l&&!l.startsWith('#')).join(' '))\")"],
      "include_dirs": ["native", "native/vendor/eigen"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "EIGEN_MPL2_ONLY"],
      "cflags": ["-O3", "-ffp-contract=off", "-fopenmp", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fopenmp"],
      "ldflags": ["-fopenmp"],
      "configurations": {
        "Release": { "defines": ["NDEBUG"] }
      },
      "conditions": [
        ["OS=='linux'", {
          "ldflags": ["-Wl,-rpath,'$$ORIGIN'"],
          "actions": [{
            "action_name": "bundle_libgomp",
            "inputs": [],
            "outputs": ["<(PRODUCT_DIR)/libgomp.so.1"],
            "action": ["cp", "-L", "<!(g++ -print-file-name=libgomp.so.1)", "<(PRODUCT_DIR)/libgomp.so.1"]
          }]
        }]
      ]
    }
  ]
}
