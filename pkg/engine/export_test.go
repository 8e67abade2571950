package engine

// DiffKept is the patch algorithm before typed changes, kept as the
// reference the new one is tested against (and still used for objects
// without a pod template).
var DiffKept = diffKept
