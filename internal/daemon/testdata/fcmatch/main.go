// Command fcmatch stands in for fontconfig's fc-match in the guest, where
// there is none: it answers like fc-match would be steered by what it is
// given. Options before "--" act as options ("--help" and "-v" print text
// that is not a path; the daemon must not take them); a pattern that is a
// path (as fc-match's file= property would) is answered with that path;
// any other pattern with a font file that does not exist.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	args := os.Args[1:]
	pattern := ""
	for i, a := range args {
		if a == "--" {
			if i+1 < len(args) {
				pattern = args[i+1]
			}
			break
		}
		switch {
		case a == "--help" || a == "-h":
			fmt.Println("usage: fc-match [-sVh] [-f FORMAT] [--format=FORMAT] [pattern {element...}]")
			return
		case a == "-v" || a == "--version" || a == "-V":
			fmt.Println("fontconfig version 2.14.1")
			return
		case strings.HasPrefix(a, "-"):
			continue
		default:
			pattern = a
		}
	}
	if strings.HasPrefix(pattern, "/") {
		fmt.Print(pattern)
		return
	}
	fmt.Print("/usr/share/fonts/missing/Fake-Regular.ttf")
}
