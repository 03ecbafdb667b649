from worldmodel.cli import main

raise SystemExit(main())
