using System.Runtime.Versioning;

// The executor and its images are Linux-only. These tests run docker through System.Diagnostics.Process,
// so they live apart from the executor's process tests, whose reaper owns waitpid(-1) in its process.
[assembly: SupportedOSPlatform("linux")]
