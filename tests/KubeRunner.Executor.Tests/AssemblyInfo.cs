using System.Runtime.Versioning;

// The executor is Linux-only, and so are its tests.
[assembly: SupportedOSPlatform("linux")]
