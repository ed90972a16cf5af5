from roadmap.cli.fast import run

run()
