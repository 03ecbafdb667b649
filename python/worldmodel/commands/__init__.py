"""One module per `worldmodel` command (worldmodel/cli.py lists them): its flags (`add_arguments`) and `run(args)`."""
