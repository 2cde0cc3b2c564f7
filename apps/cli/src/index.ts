export { chooseDatabase, type DatabaseChoice } from "./database-choice.ts";
