// Package testenv decides what a test does when something it needs from
// the machine is missing: a tool, a server, root, a network namespace.
//
// On a developer's machine such a test skips with a message naming the
// installer. Under CI (CI=true) or with ASI_REQUIRE_ALL=1 every suite is
// required, and the same message fails the test instead: a green CI run
// cannot hide a suite that did not run. Tests that need hardware this
// project's machines do not have (a GPU) use Optional and always skip.
package testenv
