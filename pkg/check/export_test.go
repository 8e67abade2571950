package check

// APIDefaults is apiDefaults, for the tests that default what pave check
// renders as the API server would store it.
var APIDefaults = apiDefaults
