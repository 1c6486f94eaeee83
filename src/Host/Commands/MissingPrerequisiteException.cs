namespace EasyHard.Host.Commands;

/// <summary>
/// A command needs something the machine does not have (e.g. a Python interpreter with its packages): a one-line
/// error that says what to install, not a defect with a stack trace.
/// </summary>
public sealed class MissingPrerequisiteException(string message) : Exception(message);
