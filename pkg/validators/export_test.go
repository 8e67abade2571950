package validators

// PlainName is plainName, for the tests of package validators_test.
var PlainName = plainName
