// Command nop does nothing: the benchmarks time it as the floor of any Go
// process's start and exit.
package main

func main() {}
