from roadmap.cli.main import run

run()
