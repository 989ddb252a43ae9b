using System.Runtime.Versioning;

// Job containers and runner hosts are Linux; Windows and macOS hosts are a non-goal (see DESIGN.md).
[assembly: SupportedOSPlatform("linux")]
