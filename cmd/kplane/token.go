package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/query/server"
)

func (a *app) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage the access tokens of kplane serve --auth",
	}
	var (
		file, name, role string
		domains          []string
	)
	add := &cobra.Command{
		Use:   "add --auth FILE --name NAME --role reader|publisher|admin [--domain D]...",
		Short: "Create a token: print its secret once, store only its hash",
		Long: `Create an access token for "kplane serve --auth FILE". The secret is printed once, on
standard output; FILE keeps only its SHA-256 hash, so a lost secret cannot be recovered:
add a new token instead.

Roles: a reader reads everything; a publisher also writes the graphs owned by its
domains (--domain, at least one) and creates graphs owned by them; an admin may do
anything.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := server.ParseRole(role)
			if err != nil {
				return err
			}
			secret, err := server.AddToken(file, name, r, domains)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, secret)
			fmt.Fprintf(a.stderr, "added %s token %q to %s; the secret above is shown only now\n", r, name, file)
			return nil
		},
	}
	f := add.Flags()
	f.StringVar(&file, "auth", "", "token file (created if absent)")
	f.StringVar(&name, "name", "", "name of the token's holder")
	f.StringVar(&role, "role", "", "reader, publisher or admin")
	f.StringArrayVar(&domains, "domain", nil, "domain a publisher publishes for (repeatable)")
	add.MarkFlagRequired("auth")
	add.MarkFlagRequired("name")
	add.MarkFlagRequired("role")
	cmd.AddCommand(add)
	return cmd
}
