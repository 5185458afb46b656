/** The widget's root folder. */
export declare const widgetRoot: string;
/** Builds dist/ when missing or older than the sources; answers whether it had to build. */
export declare function ensureWidgetBuilt(): Promise<boolean>;
