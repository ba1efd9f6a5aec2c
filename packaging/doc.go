// Package packaging holds no code: it is the home of build.sh, the nfpm,
// go-winres and macOS bundle inputs, and the tests that check the packages
// they make. The slow tests run only with AWSMFA_PACKAGING=1.
package packaging
